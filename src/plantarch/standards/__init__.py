"""standards"""
